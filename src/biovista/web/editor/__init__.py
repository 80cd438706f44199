"""The dashboard editor app: the page, the component form, previews and spec edits."""
