"""Frozen dataclasses made often: a quicker ``__init__`` that fills the instance's ``__dict__`` at once."""

from __future__ import annotations

from dataclasses import MISSING, fields


def quick_init[T](cls: type[T]) -> type[T]:
    """Give a frozen dataclass an ``__init__`` that sets every field in one ``__dict__`` update.

    A frozen dataclass's generated ``__init__`` sets each field through ``object.__setattr__``;
    objects made many times a quarter (a firm's decision, what it knows when it decides, the
    firms' offers) are made in about half the time. Same signature (the fields in order, keywords
    allowed, plain defaults kept); fields with a ``default_factory`` are refused. Equality, hashing,
    ``replace`` and pickling are the dataclass's own.
    """
    found = fields(cls)  # type: ignore[arg-type]
    if any(f.default_factory is not MISSING for f in found):
        raise TypeError(f"{cls.__name__}: quick_init takes plain defaults only, not default_factory")
    namespace: dict = {f"_default_{f.name}": f.default for f in found if f.default is not MISSING}
    parameters = [f"{f.name}=_default_{f.name}" if f.default is not MISSING else f.name for f in found]
    values = ", ".join(f"{f.name}={f.name}" for f in found)
    source = f"def __init__(self, {', '.join(parameters)}):\n    self.__dict__.update({values})\n"
    exec(source, namespace)  # the source is made from the class's own field names
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = init  # type: ignore[method-assign]
    return cls
