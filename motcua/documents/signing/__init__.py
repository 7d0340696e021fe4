"""Digital signatures on PDFs (PAdES): signers, the trust store, appearances."""

import warnings

from cryptography.utils import CryptographyDeprecationWarning

# pyHanko imports cryptography's DSA support (which MotCua never uses) and cryptography warns
# about it on every start.
warnings.filterwarnings("ignore", "DSA is deprecated", CryptographyDeprecationWarning)
