"""A Rasa tokenizer built on Kiwi, so Korean is split into morphemes.

Rasa's WhitespaceTokenizer treats "주문했어요" as one word; Kiwi splits it into
주문/NNG 하/XSV 었/EP 어요/EF, so "주문 상태" and "주문했는데" share features.  Each
token keeps the surface text (entity positions stay right) and carries the morpheme as
its lemma, which CountVectorsFeaturizer uses by default.  Latin words pass through Kiwi
as single tokens, so one pipeline serves both of the shop's languages.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from kiwipiepy import Kiwi
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message

# Kiwi tags for punctuation, symbols and emoji; letters (SL), hanja (SH) and numbers (SN) stay.
_DROPPED_TAGS = {"SF", "SP", "SS", "SSO", "SSC", "SE", "SO", "SW", "W_EMOJI"}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class KiwiTokenizer(Tokenizer):
    """Morpheme tokenizer for Korean (and pass-through for Latin-script words)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
        }

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        self._kiwi = Kiwi()

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "KiwiTokenizer":
        return cls(config)

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        text = message.get(attribute)
        tokens = [
            Token(text[t.start : t.start + t.len], t.start, lemma=t.form.lower())
            for t in self._kiwi.tokenize(text)
            if t.tag not in _DROPPED_TAGS and t.len > 0
        ]
        if not tokens:
            # emoji-only or punctuation-only messages still need one token to featurize
            tokens = [Token(text, 0, lemma=text)]
        return self._apply_token_pattern(tokens)
