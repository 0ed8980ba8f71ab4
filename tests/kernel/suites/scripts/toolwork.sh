#!/bin/sh
# toolwork.sh WORKLOAD: small workloads that make bpftrace's tools print
# (run by tooltest.py --workload; $W is its scratch directory).
case $1 in
qdisc-drop)
	# a TCP SYN dropped by a qdisc that holds nothing (pfifo limit 0),
	# in a network namespace of its own: kfree_skb with reason
	# QDISC_DROP and the connecting socket as skb->sk
	exec unshare -n sh -c 'ip link set lo up &&
		tc qdisc add dev lo root pfifo limit 0 &&
		exec python3 -c "
import socket
s = socket.socket()
s.settimeout(0.3)
s.connect_ex((\"127.0.0.1\", 9))"' ;;
bash-readline)
	# an interactive bash (on a pty, so it reads with readline)
	printf 'echo ttmarker\nexit\n' |
		exec script -qfc 'bash --norc --noprofile -i' /dev/null ;;
thread)
	exec python3 -c '
import threading
t = threading.Thread(target=lambda: None)
t.start()
t.join()' ;;
tls)
	# a TLS handshake and one line each way between openssl s_server
	# and s_client on loopback, with a fresh EC key
	cd "$W" || exit 1
	[ -f key.pem ] || openssl req -x509 -newkey ec \
		-pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=tt \
		-keyout key.pem -out cert.pem -days 1 2>/dev/null || exit 1
	port=$((20000 + $$ % 20000))
	openssl s_server -quiet -accept "127.0.0.1:$port" -cert cert.pem \
		-key key.pem -naccept 1 >/dev/null 2>&1 &
	srv=$!
	sleep 0.3
	(echo hello; sleep 0.3) | openssl s_client -quiet \
		-connect "127.0.0.1:$port" >/dev/null 2>&1
	kill $srv 2>/dev/null
	wait ;;
*)
	echo "toolwork.sh: unknown workload $1" >&2
	exit 2 ;;
esac
