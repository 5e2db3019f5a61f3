"""``scripts/train_categories`` on a wrong data folder, or without the training extra: one
sentence and a non-zero exit, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.devtools.train_categories import main


def test_a_folder_without_the_dev_files_is_refused_in_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--data", str(tmp_path), "--no-save"])
    if exit_.value.code == 2:  # scikit-learn installed: argparse's error
        assert "lacks the dev file(s) iptc-nytcap-dev.jsonl" in capsys.readouterr().err
    else:  # no training extra: that is what the message says
        assert "pip install -e '.[train]'" in str(exit_.value.code)
