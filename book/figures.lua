-- figures.lua - pandoc filter for the book's pages: each SVG figure gets a
-- minimum width of 90% of its own size, read from the drawn file (in the
-- folder $PMBOOK_OUT), so that a wide figure scrolls in its frame instead of
-- shrinking until its labels cannot be read.
local out = os.getenv('PMBOOK_OUT') or '.'

function Image(img)
  if not img.src:match('%.svg$') then
    return nil
  end
  local f = io.open(out .. '/' .. img.src, 'r')
  if not f then
    return nil
  end
  local head = f:read(4096) or ''
  f:close()
  local points = head:match('<svg width="([%d.]+)pt"')
  if not points then
    return nil
  end
  img.attributes.style = 'min-width: ' .. math.floor(tonumber(points) * 4 / 3 * 0.9) .. 'px'
  return img
end
