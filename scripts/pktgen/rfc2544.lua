-- Zero-loss throughput of a Tandem gateway, RFC 2544 section 26.1 style: binary search on the
-- offered rate for the highest rate at which every frame sent comes out of the gateway.
--
-- Run inside Pktgen-DPDK after one of the command files of this directory:
--   pktgen ... -f scripts/pktgen/tandem-encap.pkt      then, at the prompt:
--   script scripts/pktgen/rfc2544.lua
-- Settings come from pktgen's environment variables (defaults in brackets):
--   TANDEM_TX_PORT [0]      pktgen port that sends (0 = inside for encap; 1 = outside for decap)
--   TANDEM_RX_PORT [1]      pktgen port that receives
--   TANDEM_LABEL [case]     names the case in the output (e.g. encap-64); the traffic itself is
--                           what the command file set up (range mode or a capture): one size
--                           per run, so that pcap and range mode are searched the same way
--   TANDEM_TRIAL_S [20]     seconds per trial (RFC 2544 asks for at least 60 for the final one)
--   TANDEM_RESOLUTION [0.5] stop when the search interval is narrower than this (% of line rate)
--   TANDEM_LOSS [0]         acceptable loss ratio (0 = RFC 2544 zero loss)
--   TANDEM_OUT [rfc2544-results.csv]
-- Output: one CSV line per trial and a "result" line: label, rate %, tx pps, rx pps.
-- The gateway must not see other traffic; each trial starts from cleared counters and waits two
-- seconds after stopping for frames still in flight.

package.path = package.path .. ";?.lua;test/?.lua;app/?.lua;"
require "Pktgen"

local function env(name, default)
    local v = os.getenv(name)
    if v == nil or v == "" then return default end
    return v
end

local tx_port = tonumber(env("TANDEM_TX_PORT", "0"))
local rx_port = tonumber(env("TANDEM_RX_PORT", "1"))
local trial_ms = tonumber(env("TANDEM_TRIAL_S", "20")) * 1000
local resolution = tonumber(env("TANDEM_RESOLUTION", "0.5"))
local loss_allowed = tonumber(env("TANDEM_LOSS", "0"))
local out = io.open(env("TANDEM_OUT", "rfc2544-results.csv"), "a")

local label = env("TANDEM_LABEL", "case")

local function counters()
    local s = pktgen.portStats("all", "port")
    return s[tx_port].opackets, s[rx_port].ipackets
end

-- One trial at `rate` percent: frames sent, frames received.
local function trial(rate)
    pktgen.stop(tostring(tx_port))
    pktgen.delay(1000)
    pktgen.clr()
    pktgen.delay(500)
    pktgen.set(tostring(tx_port), "rate", rate)
    local tx0, rx0 = counters()
    pktgen.start(tostring(tx_port))
    pktgen.delay(trial_ms)
    pktgen.stop(tostring(tx_port))
    pktgen.delay(2000)
    local tx1, rx1 = counters()
    return tx1 - tx0, rx1 - rx0
end

local function search(size)
    local lo, hi, best = 0.0, 100.0, nil
    local rate = 100.0
    while true do
        local tx, rx = trial(rate)
        local loss = tx > 0 and (tx - rx) / tx or 1.0
        local ok = tx > 0 and loss <= loss_allowed
        local line = string.format("trial,%s,%.3f,%d,%d,%.6f,%s", size, rate, tx, rx, loss, ok and "pass" or "fail")
        print(line)
        out:write(line .. "\n")
        out:flush()
        if ok then
            best = {rate = rate, tx = tx, rx = rx}
            lo = rate
        else
            hi = rate
        end
        if hi - lo < resolution then break end
        rate = (lo + hi) / 2
    end
    local secs = trial_ms / 1000
    local line
    if best then
        line = string.format("result,%s,%.3f,%.0f,%.0f", size, best.rate, best.tx / secs, best.rx / secs)
    else
        line = string.format("result,%s,none,0,0", size)
    end
    print(line)
    out:write(line .. "\n")
    out:flush()
end

search(label)
out:close()
