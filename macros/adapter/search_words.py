"""Chinese in Material's search: split into words with jieba, in every entry, at no cost to a
build whose text the last build already split.

Material's search plugin splits each run of Han characters of the pages it parses into words
with jieba (when jieba is installed) and joins them with U+200B. Three things follow here:
the index's separator must hold U+200B in every language (`configure_search`), the entries the
hooks add themselves (the papers) are split the same way (`search_words`), and the words of
each run are kept in the project's cache (`.cache/search/`): jieba reads its dictionary once
per process, 0.5 to 3 seconds here, which a warm build then never pays.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig

WORDS_CACHE = Path(".cache") / "search" / "words.json"  # in the project


def _search_module() -> Any:
    """Material's search plugin module (None where Material is not installed)."""
    try:
        from material.plugins.search import plugin
    except ImportError:
        return None
    return plugin


class CachedWords:
    """jieba for Material's search plugin: `cut` answers from the words of the runs split
    before (kept in the project's cache) and asks jieba, which then reads its dictionary, only
    for a run it has not seen. Everything else is jieba's own."""

    def __init__(self, jieba: Any, path: Path) -> None:
        self.wrapped_jieba = jieba
        self.path = path
        self._version = str(getattr(jieba, "__version__", ""))
        self._words: dict[str, list[str]] = {}
        self._used: set[str] = set()
        self._added = False
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if isinstance(stored, dict) and stored.get("jieba") == self._version:
            words = stored.get("words")
            self._words = words if isinstance(words, dict) else {}

    def cut(self, sentence: str | bytes, *args: Any, **kwargs: Any) -> Iterator[str]:
        if args or kwargs:  # not the call Material makes: jieba's own answer
            return self.wrapped_jieba.cut(sentence, *args, **kwargs)
        text = sentence.decode("utf-8") if isinstance(sentence, bytes) else sentence
        words = self._words.get(text)
        if words is None:
            words = self._words[text] = list(self.wrapped_jieba.cut(text))
            self._added = True
        self._used.add(text)
        return iter(words)

    def save(self) -> None:
        """Keep the words of the runs this process's builds split (those alone: the cache
        holds one site's), if any was new or one went unused."""
        if not self._added and set(self._words) == self._used:
            return
        words = {text: self._words[text] for text in sorted(self._used)}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(
            json.dumps({"jieba": self._version, "words": words}, ensure_ascii=False),
            encoding="utf-8",
        )
        temporary.replace(self.path)  # never a half-written cache
        self._words, self._added = words, False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.wrapped_jieba, name)


def configure_search(config: MkDocsConfig, first: bool = True) -> None:
    """After Material's search plugin read its settings: U+200B in the separator of every
    language (Material's Chinese separator has it, the others not, so a Chinese name on an
    English page stayed one word with its neighbours), and jieba's words from the cache
    (`first`: the first build of the process's site, which starts from the cache's file;
    another language's build goes on with the words the first one has)."""
    module = _search_module()
    search = config.plugins.get("material/search")
    jieba = getattr(module, "jieba", None)
    if search is None or not search.config.enabled or jieba is None:
        return
    logging.getLogger("jieba").setLevel(logging.WARNING)  # its dictionary's loading messages
    separator = search.config.separator or ""
    if "\\u200b" not in separator and "\u200b" not in separator:
        if separator.startswith("[") and separator.endswith("]+"):
            separator = "[\\u200b" + separator[1:]
        else:
            separator = f"(?:{separator}|\\u200b)+" if separator else "[\\s\\u200b]+"
        search.config.separator = separator
        search.search_index.config["separator"] = separator
    real = getattr(jieba, "wrapped_jieba", jieba)
    if search.config.jieba_dict or search.config.jieba_dict_user:
        module.jieba = real  # a dictionary of the person's: jieba's own words, uncached
    elif first or not hasattr(jieba, "wrapped_jieba"):
        path = Path(config.config_file_path).parent / WORDS_CACHE
        module.jieba = CachedWords(real, path)


def save_words() -> None:
    """Keep the words of this build (every language's) in the project's cache."""
    jieba = getattr(_search_module(), "jieba", None)
    if hasattr(jieba, "wrapped_jieba") and hasattr(jieba, "save"):
        jieba.save()


def search_words(config: MkDocsConfig) -> Callable[[str], str]:
    """Split Han text into words as Material's search does for the pages it parses, for the
    entries the hooks add to the index themselves (the papers)."""
    search = config.plugins.get("material/search")
    segment = getattr(getattr(search, "search_index", None), "_segment_chinese", None)
    if segment is None or getattr(_search_module(), "jieba", None) is None:
        return lambda text: text
    return segment
