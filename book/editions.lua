-- editions.lua - pandoc filter for the parts of a page written for one
-- edition of the workbook only:
--   ::: {.repo-only}     this repository, with solutions/
--   ::: {.handout-only}  a student's copy made by `make handout`
-- tools/handout.sh keeps the handout's parts and drops the repository's
-- when it writes a handout; this filter does the opposite for the book of
-- this repository, so neither book speaks of folders its reader lacks.
function Div(div)
  if div.classes:includes('handout-only') then
    return {}
  end
  if div.classes:includes('repo-only') then
    return div.content
  end
  return nil
end
