"""Export formats of the persona, one module each (plain Python: no Flask, no database).

`formats.FORMATS` lists every export the app offers (extension, media type, the function that
makes it); `markdown`, `json_format`, `csv_format` and `onepager` write them.
"""
