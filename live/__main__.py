"""``python -m live`` does what the ``live`` command does."""

from live.cli import main

if __name__ == "__main__":
    main()
