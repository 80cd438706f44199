"""Where bytes live: workflow outputs to read (sources, and :mod:`~biovista.storage.scan`,
which sorts a run folder's files into a project's collections) and the Delta tables we
write.
"""
