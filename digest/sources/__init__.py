"""Sources: inbox files and feeds become clean Article records."""
