"""Terminal rendering (rich, questionary). The core never imports from here."""
