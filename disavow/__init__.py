"""disavow: audit backlink exports offline and write a safe Google disavow file."""

__version__ = "0.1.0"

from disavow.errors import DisavowError, InputFormatError, ModelError, OutputError

__all__ = ["DisavowError", "InputFormatError", "ModelError", "OutputError", "__version__"]
