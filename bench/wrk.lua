-- The request script of `npm run bench`: bench/load.ts runs wrk with it, one wrk thread.
-- Arguments after `--`, each key=value:
--   method=GET|DELETE|POST  the request's method (the URL gives the path)
--   body=<text>         a JSON request body (sent with Content-Type: application/json)
--   tokens=<file>       bearer tokens, one a line; without rotate=1 only the first line is sent
--   rotate=1            each request carries the next line, from byte offset=<n>, wrapping at
--                       the end of the file
--   targets=<host:port,...>  one wrk thread per entry (wrk -t <count>), thread i sending to the
--                       i-th; with rotate=1 thread i takes every <count>-th line from the i-th
--                       on, so the threads deal one token sequence out as a round-robin
--                       balancer deals requests
--   dpop=1              with rotate=1: each line is "<token> <proof>", sent as
--                       Authorization: DPoP <token> and DPoP: <proof>
--   statuses=1          count the responses per status (otherwise wrk counts status >= 400 only)
--   stop=<n>            exit once n responses came back (a warm-up pass over a rotation); wrk
--                       itself only stops at the end of -d, and prints nothing then
-- done() prints one line, "wrk-result {json}", which bench/load.ts reads.

local threads = {}

-- Globals of each thread, read by done() through thread:get().
taken = 0
statuses = {}

function setup(thread)
  table.insert(threads, thread)
  -- A global of the thread's own Lua state, read by init(): which target and lines are its own.
  thread:set('phase', #threads - 1)
end

local function parse(args)
  local options = {}
  -- wrk numbers the arguments from 0.
  for i = 0, #args do
    local key, value = (args[i] or ''):match('^([%w]+)=(.*)$')
    if key then
      options[key] = value
    end
  end
  return options
end

local function firstLine(path)
  local file = assert(io.open(path, 'r'))
  local line = file:read('*l')
  file:close()
  return line
end

local function split(list)
  local items = {}
  for item in list:gmatch('[^,]+') do
    table.insert(items, item)
  end
  return items
end

-- A request per call with the next token: the request's bytes around the token are built once.
-- Of the lines from `offset` on (wrapping at the end of the file), it takes the one `phase`
-- lines ahead, then every `stride`-th.
local function rotation(path, offset, stride, phase, dpop)
  local file = assert(io.open(path, 'r'))
  file:seek('set', offset)
  local function nextLine()
    local line = file:read('*l')
    if not line then
      file:seek('set', 0)
      line = file:read('*l')
    end
    return line
  end
  for _ = 1, phase do
    nextLine()
  end
  local headers = { Authorization = (dpop and 'DPoP' or 'Bearer') .. ' \0' }
  for name, value in pairs(wrk.headers) do
    headers[name] = value
  end
  local template = wrk.format(nil, nil, headers)
  local before, after = template:match('^(.-)%z(.*)$')
  return function()
    local line = nextLine()
    for _ = 2, stride do
      nextLine()
    end
    taken = taken + 1
    if dpop then
      local token, proof = line:match('^(%S+) (%S+)$')
      return before .. token .. '\r\nDPoP: ' .. proof .. after
    end
    return before .. line .. after
  end
end

function init(args)
  local options = parse(args)
  wrk.method = options.method or 'GET'
  if options.body then
    wrk.body = options.body
    wrk.headers['Content-Type'] = 'application/json'
  end
  local stride, own = 1, phase or 0
  if options.targets then
    local targets = split(options.targets)
    stride = #targets
    local host, port = targets[own + 1]:match('^(.*):(%d+)$')
    wrk.thread.addr = wrk.lookup(host, port)[1]
  end
  if options.tokens and options.rotate == '1' then
    request = rotation(options.tokens, tonumber(options.offset or '0'), stride, own, options.dpop == '1')
  elseif options.tokens then
    -- Without a request() function wrk builds this request once and resends its bytes.
    wrk.headers['Authorization'] = 'Bearer ' .. firstLine(options.tokens)
  end
  -- wrk parses headers and bodies into Lua only when a response() function exists.
  local stop = tonumber(options.stop or '0')
  local count = options.statuses == '1'
  if stop > 0 or count then
    local responses = 0
    response = function(status)
      if count then
        statuses[status] = (statuses[status] or 0) + 1
      end
      responses = responses + 1
      if stop > 0 and responses >= stop then
        io.write('wrk-pass-done\n')
        os.exit(0)
      end
    end
  end
end

function done(summary, latency)
  local taken, codes = 0, {}
  for _, thread in ipairs(threads) do
    taken = taken + thread:get('taken')
    for status, n in pairs(thread:get('statuses')) do
      codes[status] = (codes[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(codes) do
    table.insert(parts, string.format('"%d":%d', status, n))
  end
  local e = summary.errors
  io.write(string.format(
    'wrk-result {"requests":%d,"durationUs":%d,"statusErrors":%d,"socketErrors":%d,' ..
      '"p50Us":%d,"p99Us":%d,"taken":%d,"statuses":{%s}}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99), taken, table.concat(parts, ',')))
end
