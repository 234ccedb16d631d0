"""Batch experiments: sweeps of policies against uncertain futures.

An experiment file (:mod:`.spec`) names a scenario and what varies; :mod:`.design`
expands it into runs with seeds from one root seed; :mod:`.runner` sends the runs to
any executor (:mod:`.backends`: local processes, Dask, serial) and streams results to a
resumable result folder (:mod:`.store`); :mod:`.analysis` summarises them and draws
charts; :mod:`.commands` adds ``aisim sweep`` and ``aisim analyze``; :mod:`.mesa_adapter`
runs the model under ``mesa.batch_run``.
"""
