"""Questions for the online geocoder, asked by one thread from a bounded queue.

The online service answers about once a second (its policy), so callers beyond a handful would
only wait: when the queue is full the caller is told at once (and answers from the gazetteer),
and a caller that gives up cancels its question if it has not started. One long-lived thread per
process does the asking, so a timeout never leaves a thread behind.
"""
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future

QUEUE_SIZE = 8


class OnlineQueue:
    def __init__(self, ask: Callable[[str], object], size: int = QUEUE_SIZE):
        self._ask = ask
        self._jobs: queue.Queue = queue.Queue(maxsize=size)
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def submit(self, text: str) -> Future | None:
        """A future for the answer, or None when the queue is full."""
        future: Future = Future()
        try:
            self._jobs.put_nowait((text, future))
        except queue.Full:
            return None
        self._ensure_thread()
        return future

    def _ensure_thread(self) -> None:
        with self._lock:  # a forked worker starts its own thread on first use
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="online-geocoder",
                                                daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            text, future = self._jobs.get()
            if not future.set_running_or_notify_cancel():
                continue  # its caller gave up before it started
            try:
                future.set_result(self._ask(text))
            except BaseException as error:  # handed to the waiting caller
                future.set_exception(error)
