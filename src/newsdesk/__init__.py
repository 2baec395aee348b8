"""newsdesk: an AI newsroom that turns source articles into verified, cited stories."""

__version__ = "0.1.0"
