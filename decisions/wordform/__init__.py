"""Reading the officer's Word form (.docx) of a decision: reading.py opens the file
and refuses what is not a plain .docx (by content), recognise.py finds the form's
parts, parts.py reads each part. Pure: nothing here writes to the database; the
draft is made by decisions/services/word_import.py."""
