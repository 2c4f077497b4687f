"""Generated demo media (video with audio, partner logos) so the demo campaign runs out of the box."""
