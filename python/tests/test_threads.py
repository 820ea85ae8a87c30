"""The GIL is released while decoding: two Python threads translating at once
finish sooner than the same two calls one after the other (run alone by
ctest: it measures wall time on a 2-core machine)."""
import os
import threading
import time

import tandem


def test_two_threads_overlap(model, sentences):
    if (os.cpu_count() or 1) < 2:
        import pytest
        pytest.skip("one core: nothing can overlap")
    t = tandem.Translator(model, threads=1, workers=1)
    work = [s for s in sentences if s] * 6
    t.translate_batch(work[:8])  # warm-up

    def call():
        t.translate_batch(work, beam=4)

    start = time.perf_counter()
    call()
    call()
    serial = time.perf_counter() - start
    threads = [threading.Thread(target=call) for _ in range(2)]
    start = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    parallel = time.perf_counter() - start
    print(f"two calls: {serial:.2f} s one after the other, {parallel:.2f} s in two threads ({serial / parallel:.2f}x)")
    assert parallel < 0.8 * serial
