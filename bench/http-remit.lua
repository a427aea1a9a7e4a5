-- POST a remittance between random members under a key unique to each request
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local counter = 0
local auth = "Bearer " .. (os.getenv("PAYCTL_TOKEN") or "")
request = function()
  counter = counter + 1
  local from = (counter * 7 + tid) % 16 + 1
  local to = from % 16 + 1
  local body = string.format('{"from":"mem_%d","to":"mem_%d","amount":"1"}', from, to)
  return wrk.format("POST", "/v1/remittances", {["Content-Type"] = "application/json", ["Authorization"] = auth, ["Idempotency-Key"] = string.format("w-%d-%d-%d", os.time(), tid, counter)}, body)
end
