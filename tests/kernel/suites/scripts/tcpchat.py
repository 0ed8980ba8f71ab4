# tcpchat.py: a TCP connection on loopback that exchanges 20 small
# messages (events for tcp_probe, sock:* and net tracepoints).
import socket, threading
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
def srv():
    c, _ = s.accept()
    while c.recv(4096): c.sendall(b"pong")
threading.Thread(target=srv, daemon=True).start()
c = socket.create_connection(s.getsockname())
for i in range(20):
    c.sendall(b"ping"); c.recv(4096)
c.close()
