"""Payment problems, told apart because they need different things.

- Charged twice or a wrong amount: money was taken, so the payments team checks it (the
  escalation policy's `payment_issue` rule hands over).
- Unauthorised payment: the `fraud_suspected` rule hands over at once.
- Declined or failed: nothing was charged; the shopper gets what to try and the offer of a
  person, without a ticket (an unrecognised card decline is the shopper's bank's to explain).
- Anything else about paying (methods, receipts, bank transfer) is a question for the FAQ.
"""

from __future__ import annotations

import re

from actions import buttons, problems
from actions.answers import answer_question
from actions.base import ShopAction
from actions.turn import Turn
from contracts.shop_facts import shop_facts

DECLINED = re.compile(
    r"\b(declin\w*|fail\w*|(didn'?t|doesn'?t|won'?t|not) go(ing)? through|rejected|doesn'?t work|isn'?t working|"
    r"not working|errors?)\b|거절|실패|안 돼|안돼|안 되|안되|오류|에러|승인이 안|결제가 막", re.I)


class ActionPaymentProblem(ShopAction):
    action_name = "action_payment_problem"
    handles = ("payment_problem",)

    async def handle(self, turn: Turn) -> None:
        turn.missed = False
        await turn.note_mentioned_order()
        named = problems.problems_in(turn.text)
        if "fraud" in named or "double_charge" in named or DECLINED.search(turn.text):
            turn.achieved("completed")  # the bot explains; the FAQ branch is judged by its own search
        if "fraud" in named:
            turn.say("I'm sorry, that's worrying. Our payments team will look into this payment with you right away.",
                     "걱정되셨겠어요. 결제 담당팀이 이 결제를 바로 확인해 드릴게요.")
        elif "double_charge" in named:
            turn.say("I'm sorry about the extra charge. A second charge is often a temporary card authorisation that "
                     "drops off within {days}; our payments team will check it and refund anything taken twice.",
                     "추가 결제로 불편을 드려 죄송해요. 두 번째 결제는 대개 임시 카드 승인으로 {days} 안에 "
                     "자동 취소되며, 결제 담당팀이 확인해서 중복으로 결제된 금액은 환불해 드려요.",
                     days=shop_facts().text("authorisation_release_days", turn.language))
        elif DECLINED.search(turn.text):
            turn.offer_human(
                ("A declined or failed payment is not charged: if your bank shows an amount, it is a hold that is "
                 "released within a few days. Please check the card number, expiry date and limit, or try another "
                 "card, KakaoPay or a bank transfer.",
                 "거절되거나 실패한 결제는 청구되지 않아요. 은행 앱에 금액이 보이면 며칠 안에 해제되는 "
                 "임시 승인이에요. 카드 번호, 유효기간, 한도를 확인하시거나 다른 카드, 카카오페이, 계좌이체로 "
                 "다시 시도해 보세요."),
                ("Would you like a colleague to help?", "상담원 연결을 원하시나요?"),
                buttons.yes_no(turn), about="payment_problem")  # a yes goes to the payments team
        else:
            await answer_question(turn, turn.text, "payments")
