"""Text: files, scripts, Arabic, sentences, occurrences, terminal rendering; never the store.

`textfile` decodes files, `script` detects directions, `arabic` normalises and snaps selections,
`segmentation` finds paragraphs and sentences, `matching` finds occurrences and numbers,
`terminal` prints pairs side by side.
"""
