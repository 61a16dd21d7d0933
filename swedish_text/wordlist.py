"""Print the Swedish compound word list for OpenSearch's dictionary_decompounder.

scripts/opensearch.sh writes it to the node's config/analysis/sv_compound_words.txt.
Only the shipped list goes there: Debian's full word lists make the decompounder emit
every dictionary word found inside a token, which floods the index with false parts.
"""

from __future__ import annotations

import sys

from swedish_text import shipped_words


def main() -> None:
    sys.stdout.write("\n".join(sorted(shipped_words())) + "\n")


if __name__ == "__main__":
    main()
