"""Payment problems (double charge, failed payment, unknown charge): always a person's job,
so the handler acknowledges and the escalation policy's payment rules hand over."""

from __future__ import annotations

from actions.base import ShopAction
from actions.turn import Turn


class ActionPaymentProblem(ShopAction):
    action_name = "action_payment_problem"
    handles = ("payment_problem",)

    async def handle(self, turn: Turn) -> None:
        turn.missed = False
        await turn.note_mentioned_order()
        turn.say("I'm sorry about the trouble with your payment. A double charge is usually a card "
                 "authorisation "
                 "that drops off within 3-5 business days, but payment problems are checked by our payments "
                 "team.",
                 "결제 문제로 불편을 드려 죄송해요. 이중 결제는 대개 카드 승인 내역으로, 영업일 기준 3~5일 "
                 "안에 자동 취소되지만 "
                 "결제 문제는 결제 담당팀이 직접 확인해 드려요.")
