"""Everything that draws on the terminal or asks the user something. Nothing outside `ui` imports rich or
questionary; the core hands plain values in."""
