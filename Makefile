# The two quick-start commands: `make demo` (chat with the demo company) and `make test`.
# Both create the virtual environment in .venv on first use.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-dates lint install fonts clean

demo: $(STAMP)
	$(BIN)/okrbot demo

test: $(STAMP) fonts lint
	$(BIN)/pytest -q -n auto

# The suite again on another day: a year boundary in UTC+8 (see README, Development).
test-dates: $(STAMP) fonts
	$(BIN)/pytest -q -n auto --today 2027-12-31T23:30+08:00

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports

install: $(STAMP)

# Chinese text in charts needs a CJK font; on Debian/Ubuntu as root it is installed here.
fonts:
	@fc-list :lang=zh family 2>/dev/null | grep -q . || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get install -y -q fonts-wqy-microhei >/dev/null 2>&1 || \
	    { apt-get update -q >/dev/null && apt-get install -y -q fonts-wqy-microhei >/dev/null; }; \
	  else echo "note: no Chinese font found; install fonts-wqy-microhei (or Noto CJK) for Chinese charts"; fi; }

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) okrbot.db okrbot.db-wal okrbot.db-shm
