"""Socket.IO: ``handlers`` (validate -> service -> emit), ``payloads`` (edge
validation) and ``outbound`` (the one place that emits)."""
