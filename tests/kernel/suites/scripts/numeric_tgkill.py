import signal, threading
signal.signal(signal.SIGUSR1, lambda *a: None)
signal.pthread_kill(threading.get_ident(), signal.SIGUSR1)
