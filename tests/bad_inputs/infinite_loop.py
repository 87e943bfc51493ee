"""A script that never ends and never trains."""

while True:
    pass
