"""Frozen dataclasses made often: a quicker ``__init__`` that fills the instance's ``__dict__`` at once."""

from __future__ import annotations

from dataclasses import MISSING, fields


def quick_init[T](cls: type[T]) -> type[T]:
    """Give a frozen dataclass an ``__init__`` that sets every field in one ``__dict__`` update.

    A frozen dataclass's generated ``__init__`` sets each field through ``object.__setattr__``;
    objects made many times a quarter (a firm's decision, and what it knows when it decides) are
    made in about half the time. Same signature (the fields in order, keywords allowed), for
    classes whose fields have no defaults; equality, hashing, ``replace`` and pickling are the
    dataclass's own.
    """
    found = fields(cls)  # type: ignore[arg-type]
    if any(f.default is not MISSING or f.default_factory is not MISSING for f in found):
        raise TypeError(f"{cls.__name__}: quick_init is for dataclasses without defaults")
    names = [f.name for f in found]
    source = (
        f"def __init__(self, {', '.join(names)}):\n    self.__dict__.update({', '.join(f'{n}={n}' for n in names)})\n"
    )
    namespace: dict = {}
    exec(source, namespace)  # the source is made from the class's own field names
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = init  # type: ignore[method-assign]
    return cls
