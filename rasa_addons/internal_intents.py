"""Keeps a shopper's words from ever being read as an internal intent.

``EXTERNAL_*`` intents (handoff resolved or returned, proactive prompts) are triggered by the
gateway through Rasa's token-protected API, which skips NLU.  They still need one literal NLU
example each (`rasa data validate`), so the classifier knows them, and a shopper typing
"EXTERNAL_handoff_resolved" would start the after-handoff survey.  This component, placed
before the FallbackClassifier, takes them out of every NLU prediction: the next intent moves up
with its own confidence, and the fallback threshold then decides as for any other message.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message

INTERNAL_PREFIX = "EXTERNAL_"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class InternalIntentFilter(GraphComponent, IntentClassifier):
    @classmethod
    def required_components(cls) -> list[type]:
        return [IntentClassifier]

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> InternalIntentFilter:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            ranking = [r for r in message.data.get(INTENT_RANKING_KEY, [])
                       if not str(r.get(INTENT_NAME_KEY, "")).startswith(INTERNAL_PREFIX)]
            message.data[INTENT_RANKING_KEY] = ranking
            intent = message.data.get(INTENT) or {}
            if str(intent.get(INTENT_NAME_KEY, "")).startswith(INTERNAL_PREFIX):
                message.data[INTENT] = dict(ranking[0]) if ranking else {
                    INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME, PREDICTED_CONFIDENCE_KEY: 0.0}
        return messages
