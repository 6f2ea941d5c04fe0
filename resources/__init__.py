"""Package data: label schemas, styles and icons, found with importlib.resources."""
