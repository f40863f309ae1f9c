"""An encrypted text field for Application Passwords.

MultiFernet over ``settings.CREDENTIALS_KEYS`` (newest first): values are encrypted with the
newest key and decrypted with any, so keys rotate without downtime (see the
``rotate_credentials_key`` command). A value no key can decrypt raises ``InvalidToken``: we fail
loudly rather than ever send ciphertext to a site as a password.

A value is decrypted when it is first read, not when its row is loaded: a page reads all of the
user's sites and uses the password of the few it asks (none, when it comes from the page cache).
Queries that return values rather than instances (``values()``, ``values_list()``) give the
stored token as a ``Sealed``, which refuses to become a string.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models
from django.db.models.query_utils import DeferredAttribute


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


class Sealed:
    """A stored token not decrypted yet. Not a string, so it can never pass for a password."""

    __slots__ = ("token",)

    def __init__(self, token: str) -> None:
        self.token = token

    def __repr__(self) -> str:
        return "Sealed(…)"

    def __str__(self) -> str:
        # Never a password, not even a wrong one: whatever bypassed the field fails here.
        raise TypeError("A stored credential is read through its model field.")


class _DecryptedWhenRead(DeferredAttribute):
    """The field's attribute: a loaded token is decrypted on first read, and kept. A data
    descriptor (it has ``__set__``), so it is asked even though the row's value is in the
    instance's ``__dict__``."""

    def __get__(self, instance, cls=None):
        value = super().__get__(instance, cls)
        if isinstance(value, Sealed):
            value = instance.__dict__[self.field.attname] = decrypt(value.token)
        return value

    def __set__(self, instance, value) -> None:
        instance.__dict__[self.field.attname] = value


class EncryptedTextField(models.TextField):
    description = "Text encrypted at rest with the credentials keys"
    descriptor_class = _DecryptedWhenRead

    def from_db_value(self, value, expression, connection):
        return None if value is None else Sealed(value)

    def get_prep_value(self, value):
        # Saving an instance reads its password through the field (so it is encrypted afresh
        # with the newest key: a row loaded before a key rotation cannot write the old key's
        # token back). A Sealed token gets here only from a query's values(), as it was stored.
        if isinstance(value, Sealed):
            return value.token
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
