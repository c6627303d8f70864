-- snippets.lua - a pandoc Lua filter used by check-snippets.sh: it writes
-- every ```{.python .run}``` block, and the ```{.output}``` block right after
-- it, into the folder named by $SNIPPET_DIR as NNN.py / NNN.out, with
-- NNN.where saying which chapter and which snippet it was.  An .run block
-- without an .output block after it is written with NNN.missing.

local dir = os.getenv("SNIPPET_DIR")
local source = os.getenv("SNIPPET_SOURCE") or "?"
local offset = tonumber(os.getenv("SNIPPET_OFFSET") or "0")

local function has_class(block, class)
  for _, c in ipairs(block.classes) do
    if c == class then return true end
  end
  return false
end

local function write(path, text)
  local f = assert(io.open(path, "w"))
  f:write(text)
  f:close()
end

-- Every list of blocks, top level and nested (divs, quotes, list items).
local function each_block_list(blocks, fn)
  fn(blocks)
  for _, b in ipairs(blocks) do
    if b.t == "Div" or b.t == "BlockQuote" then
      each_block_list(b.content, fn)
    elseif b.t == "BulletList" or b.t == "OrderedList" then
      for _, item in ipairs(b.content) do each_block_list(item, fn) end
    end
  end
end

function Pandoc(doc)
  local n = offset
  each_block_list(doc.blocks, function(blocks)
    for i, b in ipairs(blocks) do
      if b.t == "CodeBlock" and has_class(b, "run") then
        n = n + 1
        local stem = string.format("%s/%03d", dir, n)
        local first = b.text:match("^[^\n]*")
        write(stem .. ".py", b.text .. "\n")
        write(stem .. ".where", string.format("%s, snippet starting %q", source, first))
        local after = blocks[i + 1]
        if after and after.t == "CodeBlock" and has_class(after, "output") then
          write(stem .. ".out", after.text .. "\n")
        else
          write(stem .. ".missing", "")
        end
      end
    end
  end)
  return doc
end
