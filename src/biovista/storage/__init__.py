"""Where bytes live: workflow outputs to read (sources) and the Delta tables we write."""
