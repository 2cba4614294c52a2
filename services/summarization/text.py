"""Word tokens for sentence similarity, language-independent on purpose.

Words are runs of Unicode letters and digits, lower-cased, so any alphabetic script works; Chinese
and Japanese characters count one a token, as those scripts put no spaces between words. There is
no stemmer or stop-word list: in-article IDF already discounts function words in any language.
"""

import re

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD = re.compile(rf"[^\W_{_CJK}]+(?:['’][^\W_{_CJK}]+)*|[{_CJK}]")
_POSSESSIVE = re.compile(r"['’]s$")


def words(text: str) -> list[str]:
    return [_POSSESSIVE.sub("", w) for w in _WORD.findall(text.lower())]
