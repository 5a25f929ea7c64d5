"""placeholder."""
def load(path, format=None):  # placeholder
    raise NotImplementedError
