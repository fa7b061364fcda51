"""../shared/tools/contract_check.py (the contract of DESIGN.md §5) against the started gateway."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONTRACT_CHECK = Path(os.environ.get("COALITIECOACH_SHARED", ROOT.parent / "shared")) / "tools" / "contract_check.py"


def test_contract_check_passes(base_url):
    if not CONTRACT_CHECK.exists():
        pytest.skip(f"{CONTRACT_CHECK} is not beside this clone (set COALITIECOACH_SHARED)")
    run = subprocess.run([sys.executable, str(CONTRACT_CHECK), base_url], capture_output=True, text=True,
                         timeout=600)
    lines = run.stdout.splitlines()
    assert run.returncode == 0, run.stdout
    assert not [line for line in lines if line.startswith("FAIL")], run.stdout
    assert sum(line.startswith("ok") for line in lines) >= 30, run.stdout
