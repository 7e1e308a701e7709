"""The floor: the least a Typer + rich command can cost. il6's commands are measured against it."""

import typer
from rich.console import Console

app = typer.Typer()


@app.command()
def main(name: str) -> None:
    Console().print(f"Hello, [bold]{name}[/bold]!")


if __name__ == "__main__":
    app()
