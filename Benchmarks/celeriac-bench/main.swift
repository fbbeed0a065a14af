// Filled in by the redis-client scenario.
print("celeriac-bench: no scenario yet")
