"""An encrypted text field for Application Passwords.

MultiFernet over ``settings.CREDENTIALS_KEYS`` (newest first): values are encrypted with the
newest key and decrypted with any, so keys rotate without downtime (see the
``rotate_credentials_key`` command). A value no key can decrypt raises ``InvalidToken``: we fail
loudly rather than ever send ciphertext to a site as a password.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.CREDENTIALS_KEYS))


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return fernet().decrypt(token.encode()).decode()


def rotate(token: str) -> str:
    return fernet().rotate(token.encode()).decode()


class EncryptedTextField(models.TextField):
    description = "Text encrypted at rest with the credentials keys"

    def from_db_value(self, value, expression, connection):
        return None if value is None else decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return None if value is None else encrypt(value)

    def value_to_string(self, obj) -> str:
        # Serialisation (dumpdata, fixtures) writes the ciphertext, never the password.
        value = self.value_from_object(obj)
        return "" if value is None else encrypt(value)

    def to_python(self, value):
        # Loading a dump gives back ciphertext written by value_to_string above.
        if isinstance(value, str) and value.startswith("gAAAA"):
            try:
                return decrypt(value)
            except InvalidToken:
                return value
        return value
