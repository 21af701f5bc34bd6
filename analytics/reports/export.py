"""PDF and PNG export of the reports through a headless Chromium.

PDF: Chromium's ``--print-to-pdf`` renders the report's HTML (A4, as printed).
PNG: each chart through kaleido 1.x, which drives the same browser; its server is started
once per report, not per figure. Where no browser exists, a clear error says what to install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import warnings
from pathlib import Path

__all__ = ["find_browser", "html_to_pdf", "figures_to_png", "NoBrowserError"]

_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
          "--disable-component-update", "--disable-sync", "--no-first-run",
          "--disable-dev-shm-usage", "--run-all-compositor-stages-before-draw"]


class NoBrowserError(RuntimeError):
    """No headless browser available for PDF/PNG export."""


def find_browser() -> str | None:
    """Path of a Chromium/Chrome executable: ``$COPIL_CHROMIUM``, else the first on PATH."""
    env = os.environ.get("COPIL_CHROMIUM")
    if env and Path(env).is_file():
        return env
    for name in _CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


def _require_browser() -> str:
    path = find_browser()
    if path is None:
        raise NoBrowserError(
            "PDF/PNG export needs a headless Chromium and none was found; install Debian's "
            "'chromium' (sudo apt-get install chromium, or 'make browser'), or set "
            "COPIL_CHROMIUM to a Chrome/Chromium executable. The HTML report works without it.")
    return path


def html_to_pdf(html_text: str, pdf_path: str | Path, *, timeout_s: float = 180) -> Path:
    """Render an HTML document to an A4 PDF with headless Chromium's ``--print-to-pdf``."""
    browser = _require_browser()
    pdf_path = Path(pdf_path).resolve()
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="copil-pdf-") as tmp:
        src = Path(tmp) / "report.html"
        src.write_text(html_text, encoding="utf-8")
        cmd = [browser, *_FLAGS, f"--user-data-dir={tmp}/profile", "--no-pdf-header-footer",
               "--virtual-time-budget=15000", f"--print-to-pdf={pdf_path}", src.as_uri()]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s)
    if done.returncode != 0 or not pdf_path.exists() or pdf_path.stat().st_size == 0:
        raise RuntimeError(f"{browser} could not print the report to PDF "
                           f"(exit {done.returncode}): {done.stderr.strip()[-400:]}")
    return pdf_path


def figures_to_png(figures: list, out_dir: str | Path, *, prefix: str = "",
                   width: int = 900, scale: float = 2) -> list[Path]:
    """Write ``(name, figure)`` pairs as PNG files in ``out_dir`` with one kaleido server."""
    browser = _require_browser()
    import kaleido

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("BROWSER_PATH", browser)     # choreographer's browser lookup
    paths = []
    kaleido.start_sync_server(silence_warnings=True)
    try:
        for name, fig in figures:
            path = out_dir / f"{prefix}{name}.png"
            height = fig.layout.height or 300
            with warnings.catch_warnings():     # plotly notes that kaleido options are unused
                warnings.simplefilter("ignore", UserWarning)
                fig.write_image(str(path), format="png", width=width, height=height, scale=scale)
            paths.append(path)
    finally:
        kaleido.stop_sync_server(silence_warnings=True)
    return paths
