"""``python -m disavow`` runs the command-line interface."""

from disavow.cli import app

app(prog_name="disavow")
