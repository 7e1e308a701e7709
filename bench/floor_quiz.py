"""The quiz floor: Typer + rich + questionary + fsrs, showing one select prompt (what a quiz must load)."""

import fsrs  # noqa: F401 - imported for its cost, as the quiz must
import questionary
import typer
from rich.console import Console

app = typer.Typer()


@app.command()
def main(name: str) -> None:
    Console().print(f"Hello, [bold]{name}[/bold]!")
    questionary.select("Pick one", choices=["alpha", "beta", "gamma"]).ask()


if __name__ == "__main__":
    app()
