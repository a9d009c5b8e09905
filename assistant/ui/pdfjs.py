"""pdf.js (Mozilla's PDF renderer, npm package ``pdfjs-dist``), served by the app itself so a
PDF source opens at its page with the cited passage marked, offline.

``scripts/setup.sh`` installs it once with ``npm pack`` (the npm registry, like any package)
into the cache folder (``PA_CACHE_DIR``); ``python -m assistant.ui.pdfjs`` does the same. Where
it is missing (no npm), a PDF source opens in the cleaned-text document view instead, at the
cited passage, and that view says why.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VERSION = "6.5.438"
SERVED = ("build", "standard_fonts", "cmaps", "wasm", "iccs")  # the folders the viewer loads
NEEDED = ("build/pdf.min.mjs", "build/pdf.worker.min.mjs")


def package_dir(cache: Path) -> Path:
    return Path(cache) / f"pdfjs-dist-{VERSION}" / "package"


def installed(cache: Path) -> Path | None:
    """The unpacked package, when its viewer files are all there."""
    root = package_dir(cache)
    return root if all((root / f).is_file() for f in NEEDED) else None


def asset(cache: Path, rel: str) -> Path | None:
    """A file of the package the viewer may load, or None (outside the served folders)."""
    root = installed(cache)
    if root is None or rel.split("/", 1)[0] not in SERVED:
        return None
    path = (root / rel).resolve()
    if not path.is_file() or not path.is_relative_to(root.resolve()):
        return None
    return path


def install(cache: Path) -> Path:
    """``npm pack pdfjs-dist@VERSION`` and unpack it into the cache (once)."""
    done = installed(cache)
    if done is not None:
        return done
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is missing: PDF sources will open as text")
    dest = package_dir(cache).parent
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest) as tmp:
        subprocess.run([npm, "pack", f"pdfjs-dist@{VERSION}", "--pack-destination", tmp],
                       check=True, capture_output=True, timeout=600)
        with tarfile.open(Path(tmp) / f"pdfjs-dist-{VERSION}.tgz") as tar:
            tar.extractall(tmp, filter="data")
        shutil.rmtree(dest / "package", ignore_errors=True)
        (Path(tmp) / "package").rename(dest / "package")
    root = installed(cache)
    if root is None:
        raise RuntimeError(f"pdfjs-dist {VERSION} unpacked without its viewer files")
    return root


def main() -> int:
    from assistant.core.settings import Settings

    cache = Settings().cache_path
    try:
        sys.stdout.write(f"pdf.js {VERSION}: {install(cache)}\n")
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        sys.stderr.write(f"pdf.js not installed ({exc}); PDF sources open as text\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
