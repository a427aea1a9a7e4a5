//! `payctl man`: man pages generated from the same clap definitions as `--help`. Each page's NAME
//! line is `payctl-pay - …` and its synopsis the full command line (`payctl pay …`).

use std::io::Write;
use std::path::Path;

use clap::CommandFactory;
use color_eyre::eyre::eyre;

use crate::exit::CmdResult;
use crate::{ABOUT, App, Cli, VERSION};

/// The whole tree, built, so every subcommand knows its full name (`payctl bank sim set`) and
/// the NAME line reads `payctl - members, …` rather than repeating the name.
fn tree() -> clap::Command {
    let about = ABOUT.strip_prefix("payctl — ").unwrap_or(ABOUT);
    let mut cmd = Cli::command().about(about);
    cmd.build();
    cmd
}

fn page(cmd: &clap::Command, out: &mut dyn Write) -> std::io::Result<()> {
    clap_mangen::Man::new(cmd.clone())
        .source(format!("payctl {VERSION}"))
        .manual("payctl manual")
        .render(out)
}

/// payctl.1 on stdout, or a page per command (0600, like every file payctl creates) in `dir`.
pub fn write(dir: Option<&Path>, app: &App) -> CmdResult {
    let cmd = tree();
    let Some(dir) = dir else {
        let mut text = Vec::new();
        page(&cmd, &mut text).map_err(|e| eyre!("man: {e}"))?;
        return crate::write_stdout(&text);
    };
    std::fs::create_dir_all(dir)
        .map_err(|e| crate::exit::invalid("output", &dir.display().to_string(), &e.to_string()))?;
    let mut pending = vec![cmd];
    let mut written = 0;
    while let Some(cmd) = pending.pop() {
        let name = cmd.get_display_name().unwrap_or(cmd.get_name()).to_string();
        let path = dir.join(format!("{name}.1"));
        let mut file = crate::files::create(&path, "output")?;
        page(&cmd, &mut file)
            .and_then(|()| file.flush())
            .map_err(|e| eyre!("writing {}: {e}", path.display()))?;
        written += 1;
        pending.extend(
            cmd.get_subcommands()
                .filter(|s| s.get_name() != "help")
                .cloned(),
        );
    }
    app.out
        .note(&format!("Wrote {written} man pages to {}", dir.display()));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(cmd: &clap::Command) -> String {
        let mut text = Vec::new();
        page(cmd, &mut text).expect("render");
        String::from_utf8(text).expect("utf-8")
    }

    /// The line after `.SH <section>`.
    fn section(page: &str, name: &str) -> String {
        let mut lines = page.lines().skip_while(|l| *l != format!(".SH {name}"));
        lines.next();
        lines.next().unwrap_or_default().to_string()
    }

    #[test]
    fn the_main_page_is_named_payctl_with_its_description() {
        let page = render(&tree());
        assert!(page.contains(".TH payctl 1"), "{page}");
        let name = section(&page, "NAME");
        assert!(name.starts_with("payctl \\- members"), "{name}");
        assert!(
            !name.contains("payctl —"),
            "the name is not repeated: {name}"
        );
    }

    #[test]
    fn a_subcommand_page_is_titled_payctl_pay_with_the_full_synopsis() {
        let cmd = tree();
        let pay = cmd.find_subcommand("pay").expect("pay");
        let page = render(pay);
        assert!(page.contains(".TH payctl-pay 1 "), "title: {page}");
        assert!(
            section(&page, "NAME").starts_with("payctl\\-pay \\- Pay a merchant"),
            "{page}"
        );
        let synopsis = section(&page, "SYNOPSIS");
        assert!(synopsis.starts_with("\\fBpayctl pay\\fR"), "{synopsis}");
        for arg in ["MEMBER", "MERCHANT", "AMOUNT"] {
            assert!(synopsis.contains(arg), "{arg} in {synopsis}");
        }
    }

    #[test]
    fn a_nested_subcommand_page_names_its_whole_path() {
        let cmd = tree();
        let set = cmd
            .find_subcommand("bank")
            .and_then(|b| b.find_subcommand("sim"))
            .and_then(|s| s.find_subcommand("set"))
            .expect("bank sim set");
        let page = render(set);
        assert!(page.contains(".TH payctl-bank-sim-set 1 "), "{page}");
        assert!(
            section(&page, "SYNOPSIS").starts_with("\\fBpayctl bank sim set\\fR"),
            "{page}"
        );
    }
}
