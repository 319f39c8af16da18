#!/usr/bin/env python3
# Usage: tools/measure-register-cost.py build/release/src/state/script_sources.cpp 16 32 64 128 500
# (needs redis-server and redis-cli; uses port 6399).
# Measures lua/register_node.lua (with its includes) for a node declaring N languages, on a scratch redis-server.
import re, subprocess, sys, time, json, os, tempfile
src = open(sys.argv[1]).read()
m = re.search(r'\{"register_node", R"LUA_SOURCE\((.*?)\)LUA_SOURCE"\}', src, re.S)
script = m.group(1)
port = "6399"
d = tempfile.mkdtemp()
p = subprocess.Popen(["redis-server", "--port", port, "--save", "", "--appendonly", "no", "--dir", d], stdout=subprocess.DEVNULL)
time.sleep(0.5)
def cli(*a): return subprocess.run(["redis-cli", "-p", port, *a], capture_output=True, text=True).stdout.strip()
keys = ["{lingua}:" + k for k in ["node:info","node:state","node:load","node:seen","pool:all","pool:free","pair:pools","node:jobs","node:unavailable","jobs","job:deadlines","job:backlog"]]
cli("CONFIG", "SET", "slowlog-log-slower-than", "0")
for n in [int(x) for x in sys.argv[2:]]:
    cli("FLUSHALL"); cli("SLOWLOG", "RESET")
    langs = sorted("l%03d" % i for i in range(n))
    caps = json.dumps({"pool": "-".join(langs), "asr": "," + ",".join(langs) + ",", "tts": ",", "svc": ",asr,nmt,tts,", "max": 4, "pub": 1})
    before = int(re.search(r"used_memory:(\d+)", cli("INFO", "memory")).group(1))
    out = cli("EVAL", script, "12", *keys, "node-x", caps)
    log = cli("SLOWLOG", "GET", "1")
    us = [int(x) for x in log.split("\n") if x.strip().isdigit()][2]
    after = int(re.search(r"used_memory:(\d+)", cli("INFO", "memory")).group(1))
    print(f"{n} languages: pair:pools entries {cli('ZCARD', keys[6])}, script {us} us, memory +{(after-before)/1024:.0f} KiB ({out.split()[0]})")
p.terminate()
