"""The edges that render for a terminal or a file: the core never imports from here.

`output` declares the result formats (one table) and prints or saves a result; `summary` is the
rich summary, `markdown` the Markdown one, `wording` says answers and scores in words for both;
`prompts` and `interview` run the questionary interview over the state machine of
interview.py; `dictionary_view` and `batch_progress` print the data dictionary and a batch
run's progress. Nothing is re-exported here: each module imports rich or questionary, and a
command imports only the rendering it uses, so `spinetriage --help` stays fast.
"""
