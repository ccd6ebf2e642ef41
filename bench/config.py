"""Where each benchmark database lives and how a process is pointed at it."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("BENCH_DATA_DIR", str(ROOT / "bench" / "data")))
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/")
SEED = 20261129
GENERATOR_VERSION = 4  # 4: every module, enterprises with coordinates (issue 18)

# issue 7: S 10k hazards, M 100k, L 1M; 1 enterprise per 10 hazards, 5 audit events per hazard.
SIZES = {"S": 10_000, "M": 100_000, "L": 1_000_000}
ENGINES = ("sqlite", "postgresql")
# `--tiny` (BENCH_SCALE=0.1): every size a tenth as large, in databases of their own, to check that every
# scenario runs end to end in a few minutes; its figures judge nothing about S or L.
SCALE = float(os.environ.get("BENCH_SCALE") or 1)
TINY_SUFFIX = "" if SCALE == 1 else "_tiny"


@dataclass(frozen=True)
class Target:
    """One benchmark database: a size on an engine."""

    size: str
    engine: str

    @property
    def hazards(self) -> int:
        return max(100, round(SIZES[self.size] * SCALE))

    @property
    def label(self) -> str:
        return f"{self.size}/{self.engine}"

    @property
    def pg_name(self) -> str:
        return f"redline_bench_{self.size.lower()}{TINY_SUFFIX}"

    @property
    def var_dir(self) -> Path:
        return DATA_DIR / f"sqlite_{self.size.lower()}{TINY_SUFFIX}"

    @property
    def pg_var_dir(self) -> Path:
        return DATA_DIR / f"pg_{self.size.lower()}{TINY_SUFFIX}"

    @property
    def sqlite_path(self) -> Path:
        return self.var_dir / "redline.sqlite3"

    def env(self, *, secret_key: str | None = None) -> dict[str, str]:
        """The environment of a server or worker process for this database (production mode)."""
        env = dict(os.environ)
        for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY_FILE", "DJANGO_SETTINGS_MODULE"):
            env.pop(name, None)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "redline.settings",
                "DEBUG": "false",
                "SECRET_KEY": secret_key or secrets.token_urlsafe(50),
                "SECURE_SSL_REDIRECT": "false",
                "SECURE_COOKIES": "false",
                "ALLOWED_HOSTS": "127.0.0.1",
                "LOG_LEVEL": "WARNING",
                "PYTHONPATH": str(ROOT),
                # `collectstatic` writes here before the servers start, as `make serve` runs it.
                "STATIC_ROOT": str(DATA_DIR / "static"),
            }
        )
        if self.engine == "postgresql":
            env["DATABASE_URL"] = PG_SERVER.rstrip("/") + "/" + self.pg_name
            env["DB_CONN_MAX_AGE"] = "600"  # persistent connections: a connect per request costs 2/3
            env["REDLINE_VAR_DIR"] = str(self.pg_var_dir)  # uploads of the transition scenario
        else:
            env["REDLINE_VAR_DIR"] = str(self.var_dir)
        return env
